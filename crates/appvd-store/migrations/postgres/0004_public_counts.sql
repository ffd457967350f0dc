-- Totals of the public advisory list, kept by triggers, so that a list page's exact total is one
-- small read instead of a count over every published case (at 100,000 cases that count cost more
-- than the page itself). One row per (grade, platform) of published cases; NULL is stored as ''.
-- The filtered totals are sums over these rows. The SQLite migration of the same number keeps
-- the same table with the same rules.
CREATE TABLE public_counts (
    grade     TEXT NOT NULL,
    platform  TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (grade, platform)
);

INSERT INTO public_counts (grade, platform, n)
SELECT COALESCE(grade, ''), COALESCE(platform, ''), COUNT(*)
FROM cases WHERE published_at IS NOT NULL
GROUP BY COALESCE(grade, ''), COALESCE(platform, '');

-- Counter rows are locked in key order (the smaller key first), so that two transactions moving
-- cases between the same two keys in opposite directions wait for each other instead of
-- deadlocking.
CREATE FUNCTION public_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key TEXT[];
    new_key TEXT[];
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.published_at IS NOT NULL THEN
        old_key := ARRAY[COALESCE(OLD.grade, ''), COALESCE(OLD.platform, '')];
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.published_at IS NOT NULL THEN
        new_key := ARRAY[COALESCE(NEW.grade, ''), COALESCE(NEW.platform, '')];
    END IF;
    IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
        UPDATE public_counts SET n = n - 1 WHERE grade = old_key[1] AND platform = old_key[2];
        old_key := NULL;
    END IF;
    IF new_key IS NOT NULL THEN
        INSERT INTO public_counts (grade, platform, n) VALUES (new_key[1], new_key[2], 1)
        ON CONFLICT (grade, platform) DO UPDATE SET n = public_counts.n + 1;
    END IF;
    IF old_key IS NOT NULL THEN
        UPDATE public_counts SET n = n - 1 WHERE grade = old_key[1] AND platform = old_key[2];
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_public_counts_insert AFTER INSERT ON cases
FOR EACH ROW WHEN (NEW.published_at IS NOT NULL)
EXECUTE FUNCTION public_counts_track();

CREATE TRIGGER cases_public_counts_delete AFTER DELETE ON cases
FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
EXECUTE FUNCTION public_counts_track();

-- Only when publication, grade or platform really change: a case is saved whole on every action.
CREATE TRIGGER cases_public_counts_update AFTER UPDATE OF published_at, grade, platform ON cases
FOR EACH ROW WHEN ((OLD.published_at IS NULL) IS DISTINCT FROM (NEW.published_at IS NULL)
    OR (NEW.published_at IS NOT NULL
        AND (OLD.grade IS DISTINCT FROM NEW.grade OR OLD.platform IS DISTINCT FROM NEW.platform)))
EXECUTE FUNCTION public_counts_track();
