-- A merged child's removal intent names the parent it was merged into: the parent keeps its VDI
-- modification UUID until the child is gone, so startup recovery, when it finishes such a removal, renews
-- the parent's stamp as the interrupted request would have. NULL for every other intent.
ALTER TABLE file_intents ADD COLUMN merged_into UUID;
