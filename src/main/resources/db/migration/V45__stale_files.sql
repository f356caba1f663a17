-- Files a lost node still holds but nobody needs: the disks of a machine started on another node while its node
-- was lost (a fresh differencing disk was made there, and the old disk's image row deleted). The named node
-- removes each file when it comes back, before it matches its rows and files, so none is left an orphan.
CREATE TABLE stale_files (
    image_id    UUID         NOT NULL,
    node_name   VARCHAR(255) NOT NULL,
    machine_id  UUID         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT stale_files_pk PRIMARY KEY (image_id, node_name)
);
