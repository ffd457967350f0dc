-- Totals of the public advisory list, kept by triggers, so that a list page's exact total is one
-- small read instead of a count over every published case (at 100,000 cases that count cost more
-- than the page itself). One row per (grade, platform) of published cases; NULL is stored as ''.
-- The filtered totals are sums over these rows. The PostgreSQL migration of the same number keeps
-- the same table with the same rules.
CREATE TABLE public_counts (
    grade     TEXT NOT NULL,
    platform  TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (grade, platform)
);

INSERT INTO public_counts (grade, platform, n)
SELECT COALESCE(grade, ''), COALESCE(platform, ''), COUNT(*)
FROM cases WHERE published_at IS NOT NULL
GROUP BY COALESCE(grade, ''), COALESCE(platform, '');

CREATE TRIGGER cases_public_counts_insert AFTER INSERT ON cases
WHEN NEW.published_at IS NOT NULL
BEGIN
    INSERT INTO public_counts (grade, platform, n)
    VALUES (COALESCE(NEW.grade, ''), COALESCE(NEW.platform, ''), 1)
    ON CONFLICT (grade, platform) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_public_counts_delete AFTER DELETE ON cases
WHEN OLD.published_at IS NOT NULL
BEGIN
    UPDATE public_counts SET n = n - 1
    WHERE grade = COALESCE(OLD.grade, '') AND platform = COALESCE(OLD.platform, '');
END;

-- Only when publication, grade or platform really change: a case is saved whole on every action.
CREATE TRIGGER cases_public_counts_update AFTER UPDATE OF published_at, grade, platform ON cases
WHEN (OLD.published_at IS NULL) IS NOT (NEW.published_at IS NULL)
    OR (NEW.published_at IS NOT NULL
        AND (OLD.grade IS NOT NEW.grade OR OLD.platform IS NOT NEW.platform))
BEGIN
    UPDATE public_counts SET n = n - 1
    WHERE OLD.published_at IS NOT NULL
        AND grade = COALESCE(OLD.grade, '') AND platform = COALESCE(OLD.platform, '');
    INSERT INTO public_counts (grade, platform, n)
    SELECT COALESCE(NEW.grade, ''), COALESCE(NEW.platform, ''), 1
    WHERE NEW.published_at IS NOT NULL
    ON CONFLICT (grade, platform) DO UPDATE SET n = n + 1;
END;
