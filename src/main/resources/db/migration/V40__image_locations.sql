-- Which nodes hold an image's file (each node has its own storage root). A node records its own row when it
-- makes, uploads, clones or copies an image; deleting the image deletes its rows. content_sha256 is the
-- SHA-256 of that node's file as stored, computed once for an immutable image (its file never changes) the
-- first time another node copies it, and cleared when the image stops being immutable.
CREATE TABLE image_locations (
    image_id        UUID         NOT NULL,
    node_name       VARCHAR(255) NOT NULL,
    content_sha256  VARCHAR(64),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    version         BIGINT       NOT NULL,
    CONSTRAINT image_locations_pk PRIMARY KEY (image_id, node_name),
    CONSTRAINT image_locations_image_fk FOREIGN KEY (image_id) REFERENCES images (id) ON DELETE CASCADE
);

-- Images made before this table: with exactly one node, its storage root holds every file there is. (With
-- several, or none yet, each node records the files it finds at its next start.)
INSERT INTO image_locations (image_id, node_name, created_at, version)
SELECT i.id, n.name, CURRENT_TIMESTAMP, 0 FROM images i CROSS JOIN nodes n
WHERE i.state = 'READY' AND (SELECT COUNT(*) FROM nodes) = 1;
