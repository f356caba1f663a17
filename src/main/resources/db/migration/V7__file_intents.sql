-- Intent records: before the service makes or removes an image file it commits one row here
-- naming the file's image UUID, and deletes the row once the file and the image row agree again. Startup
-- recovery settles every row still open: the file stays exactly when an image row names it.
CREATE TABLE file_intents (
    id UUID PRIMARY KEY,
    image_id UUID NOT NULL,
    action VARCHAR(16) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX file_intents_image ON file_intents (image_id);
