package dev.diskfleet.domain.operation;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Long work a client follows: a clone, a fleet deployment. */
@Entity
@Table(name = "operations")
public class Operation extends BaseEntity {

    @Column(nullable = false)
    private String kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private OperationState state;

    @Column(nullable = false)
    private int progress;

    @Column(name = "target_id")
    private UUID targetId;

    @Column(name = "resource_url")
    private String resourceUrl;

    @Column(name = "result_json")
    private String resultJson;

    @Column(name = "error_type")
    private String errorType;

    @Column(name = "error_title")
    private String errorTitle;

    @Column(name = "error_status")
    private Integer errorStatus;

    @Column(name = "error_detail")
    private String errorDetail;

    @Column(name = "finished_at")
    private OffsetDateTime finishedAt;

    /** The node that runs the work; null on rows from before operations named their node. */
    @Column
    private String node;

    protected Operation() {
    }

    public Operation(UUID id, String kind, UUID targetId) {
        this(id, kind, targetId, null);
    }

    public Operation(UUID id, String kind, UUID targetId, String node) {
        super(id);
        this.kind = kind;
        this.targetId = targetId;
        this.node = node;
        this.state = OperationState.QUEUED;
    }

    public void start() {
        state = OperationState.RUNNING;
    }

    public void progress(int percent) {
        progress = Math.max(progress, Math.min(100, percent));
    }

    /** Progress with the result document as it stands, for work whose every step a client may follow. */
    public void report(int percent, String interimResultJson) {
        progress(percent);
        this.resultJson = interimResultJson;
    }

    public void succeed(String resourceUrl, String resultJson) {
        this.state = OperationState.SUCCEEDED;
        this.progress = 100;
        this.resourceUrl = resourceUrl;
        this.resultJson = resultJson;
        finish();
    }

    public void fail(int status, String type, String title, String detail, String resultJson) {
        this.state = OperationState.FAILED;
        this.errorStatus = status;
        this.errorType = type;
        this.errorTitle = title;
        this.errorDetail = detail == null ? null : detail.substring(0, Math.min(detail.length(), 4000));
        this.resultJson = resultJson;
        finish();
    }

    private void finish() {
        finishedAt = OffsetDateTime.now();
    }

    public String getKind() {
        return kind;
    }

    public OperationState getState() {
        return state;
    }

    public int getProgress() {
        return progress;
    }

    public UUID getTargetId() {
        return targetId;
    }

    public String getResourceUrl() {
        return resourceUrl;
    }

    public String getResultJson() {
        return resultJson;
    }

    public String getErrorType() {
        return errorType;
    }

    public String getErrorTitle() {
        return errorTitle;
    }

    public Integer getErrorStatus() {
        return errorStatus;
    }

    public String getErrorDetail() {
        return errorDetail;
    }

    public OffsetDateTime getFinishedAt() {
        return finishedAt;
    }

    public String getNode() {
        return node;
    }
}
