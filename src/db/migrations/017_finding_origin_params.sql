-- Findings keep who found them: the machine's, that sent an order to review, stay when the
-- operator's approval re-validates it (the dashboard counts why orders went to review); the
-- operator's are added beside them and the machine's are no longer current.
ALTER TABLE findings ADD COLUMN origin text NOT NULL DEFAULT 'machine' CHECK (origin IN ('machine', 'operator'));
ALTER TABLE findings ADD COLUMN current boolean NOT NULL DEFAULT true;
-- The finding's values (line, article, prices...), so it is told in the reader's language;
-- `message` keeps the English sentence (CLI output, older findings).
ALTER TABLE findings ADD COLUMN params jsonb;
