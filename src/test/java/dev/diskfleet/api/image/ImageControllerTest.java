package dev.diskfleet.api.image;

import dev.diskfleet.api.image.ImageController;
import dev.diskfleet.api.image.ImageUploadConfiguration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.api.operation.OperationResponse;
import dev.diskfleet.api.operation.OperationResponses;
import dev.diskfleet.api.web.IfMatch;
import dev.diskfleet.domain.PreconditionFailedException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.image.ImageCatalog;
import dev.diskfleet.provisioning.image.ImageContent;
import dev.diskfleet.provisioning.image.ImageDetails;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import dev.diskfleet.provisioning.image.ImageClones;
import dev.diskfleet.provisioning.image.ImageUploads;
import dev.diskfleet.provisioning.image.ImageProvisioning;
import dev.diskfleet.storage.ImageNotFoundException;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.storage.ImageStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.MediaType;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The images controller alone: how HTTP requests become service calls, and failures become problems. */
@WebMvcTest(ImageController.class)
@Import(ImageUploadConfiguration.class)
class ImageControllerTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String TYPES = "https://diskfleet.dev/problems/";

    @Autowired
    MockMvc mvc;
    @MockitoBean
    ImageCatalog images;
    @MockitoBean
    ImageContent imageContent;
    @MockitoBean
    ImageProvisioning provisioning;
    @MockitoBean
    ImageUploads uploads;
    @MockitoBean
    ImageClones clones;
    @MockitoBean
    OperationResponses operations;
    @MockitoBean
    ImageStore store;
    /** For the machine routes' node check, which every slice of the web layer loads. */
    @MockitoBean
    NodePlacement placement;

    /** The catalog describes whatever image a mocked service returns, with nothing beyond its row. */
    @BeforeEach
    void describeImages() {
        when(images.details(any())).thenAnswer(call -> new ImageDetails(call.getArgument(0), 0, 0, 1, List.of(), List.of("node-a")));
    }

    @Test
    void malformedUuidNamesTheParameterAndWhatItMustBe() throws Exception {
        mvc.perform(get("/api/images/12345"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.type").value(TYPES + "invalid-parameter"))
                .andExpect(jsonPath("$.detail").value(
                        "path parameter 'id' must be a UUID such as 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a, got '12345'"))
                .andExpect(jsonPath("$.errors.id").exists());
    }

    @Test
    void unsupportedMethodIsAProblemWithAStableTypeAndAnAllowHeader() throws Exception {
        mvc.perform(put("/api/images/" + UUID.randomUUID()))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(header().string("Allow", containsString("PATCH")))
                .andExpect(jsonPath("$.type").value(TYPES + "method-not-allowed"))
                .andExpect(jsonPath("$.detail").value(containsString("use one of DELETE, GET, PATCH")));
    }

    @Test
    void validationErrorsListEveryBadField() throws Exception {
        mvc.perform(post("/api/images").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\" \",\"sizeBytes\":513,\"variant\":\"thin\",\"type\":\"golden\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value(TYPES + "validation"))
                .andExpect(jsonPath("$.errors.name").value("must not be blank"))
                .andExpect(jsonPath("$.errors.sizeBytes").value("must be a multiple of 512 (whole sectors)"))
                .andExpect(jsonPath("$.errors.variant").value("must be dynamic or fixed"))
                .andExpect(jsonPath("$.errors.type").value("must be normal, writethrough or immutable"));
        verify(provisioning, never()).createBlank(any());
    }

    @Test
    void uploadLabelledAsAFormByCurlReachesTheServiceAsTheRawBody() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        when(uploads.upload(eq("golden"), eq(null), eq(ImageType.IMMUTABLE), any(), anyLong())).thenAnswer(call -> {
            received.set(call.getArgument(3, InputStream.class).readAllBytes());
            return image();
        });
        mvc.perform(post("/api/images/uploads?name=golden&type=immutable")
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED).content("a=b&c=d disk bytes"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", containsString("/api/images/")));
        assertThat(received.get()).asString().isEqualTo("a=b&c=d disk bytes");
    }

    @Test
    void uploadByPutWithoutContentTypeIsAcceptedAsCurlTSendsIt() throws Exception {
        when(uploads.upload(eq("disk"), eq(null), eq(ImageType.NORMAL), any(), anyLong())).thenReturn(image());
        mvc.perform(put("/api/images/uploads?name=disk").content(new byte[] {1, 2, 3}))
                .andExpect(status().isCreated());
    }

    @Test
    void rangeRequestIsAnsweredWithPartialContent() throws Exception {
        UUID id = UUID.randomUUID();
        when(imageContent.virtualSize(id)).thenReturn(1000L);
        doAnswer(call -> {
            long offset = call.getArgument(1);
            long length = call.getArgument(2);
            OutputStream out = call.getArgument(3);
            for (long i = offset; i < offset + length; i++) {
                out.write((int) i);
            }
            return null;
        }).when(imageContent).copyRawTo(eq(id), anyLong(), anyLong(), any());

        MvcResult started = mvc.perform(get("/api/images/" + id + "/content").header("Range", "bytes=10-19"))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(started))
                .andExpect(status().isPartialContent())
                .andExpect(header().string("Content-Range", "bytes 10-19/1000"))
                .andExpect(header().string("Content-Length", "10"))
                .andExpect(header().string("Accept-Ranges", "bytes"))
                .andExpect(content().bytes(new byte[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
    }

    @Test
    void unsatisfiableRangeIs416WithTheContentLength() throws Exception {
        UUID id = UUID.randomUUID();
        when(imageContent.virtualSize(id)).thenReturn(1000L);
        mvc.perform(get("/api/images/" + id + "/content").header("Range", "bytes=1000-"))
                .andExpect(status().isRequestedRangeNotSatisfiable())
                .andExpect(header().string("Content-Range", "bytes */1000"))
                .andExpect(jsonPath("$.type").value(TYPES + "range-not-satisfiable"));
    }

    @Test
    void cloneAnswers202WithTheOperationsLocation() throws Exception {
        UUID source = UUID.randomUUID();
        Operation operation = new Operation(UUID.randomUUID(), "clone-image", source);
        when(clones.start(eq(source), any())).thenReturn(operation);
        when(operations.toResponse(operation)).thenReturn(new OperationResponse(operation.getId(), "clone-image",
                "queued", 0, source, null, null, null, null, null, null));
        mvc.perform(post("/api/images/" + source + "/clone").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"copy\",\"format\":\"vdi\"}"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/operations/" + operation.getId()))
                .andExpect(jsonPath("$.state").value("queued"));
    }

    @Test
    void serviceFailuresBecomeProblemsWithStableTypes() throws Exception {
        UUID id = UUID.randomUUID();
        String patchBody = "{\"type\":\"immutable\"}";
        when(provisioning.update(eq(id), any(), eq(IfMatch.parse("\"3\"")))).thenThrow(new PreconditionFailedException("stale"));
        expectProblem(patch("/api/images/" + id).header("If-Match", "\"3\"").contentType(MediaType.APPLICATION_JSON)
                .content(patchBody), 412, "stale-etag");

        when(provisioning.update(eq(id), any(), eq(IfMatch.parse("\"4\"")))).thenThrow(
                new ObjectOptimisticLockingFailureException(Image.class, id));
        expectProblem(patch("/api/images/" + id).header("If-Match", "\"4\"").contentType(MediaType.APPLICATION_JSON)
                .content(patchBody), 409, "concurrent-update");

        when(provisioning.update(eq(id), any(), eq(IfMatch.parse("\"5\"")))).thenThrow(new DataIntegrityViolationException("fk"));
        expectProblem(patch("/api/images/" + id).header("If-Match", "\"5\"").contentType(MediaType.APPLICATION_JSON)
                .content(patchBody), 409, "integrity-conflict");

        when(imageContent.check(id)).thenThrow(new ImageNotFoundException(id));
        expectProblem(post("/api/images/" + id + "/check"), 409, "image-inaccessible");

        UUID broken = UUID.randomUUID();
        when(images.require(broken)).thenThrow(new IllegalStateException("secret internals"));
        mvc.perform(get("/api/images/" + broken))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value(TYPES + "internal"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.not(containsString("secret"))));
    }

    private void expectProblem(org.springframework.test.web.servlet.RequestBuilder request, int status, String type)
            throws Exception {
        mvc.perform(request)
                .andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.type").value(TYPES + type));
    }

    private static Image image() {
        UUID id = UUID.randomUUID();
        return Image.base(id, "golden", null, new ImageSummary(id, "vdi", Variant.DYNAMIC, 1 << 20, 0, null, 1),
                ImageType.NORMAL);
    }
}
