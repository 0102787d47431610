-- The mock's whole world. Timestamps are TEXT 'YYYY-MM-DDTHH:MM:SSZ' (UTC, no fraction: R-23) so that
-- text order is time order; dates are TEXT 'YYYY-MM-DD'. Booleans are INTEGER 0/1, NULL where nullable.

-- Reference data (loaded from fixtures/ on seed and reset) -------------------------------------------
CREATE TABLE IF NOT EXISTS lead_providers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE
);
-- A cohort is (start year, suffix): DfE may open several a year (2026a, 2026b; V-91). funding: full | capped |
-- zero (VD17); v1/v2 see only the start year, and read "funding cap" as funding = 'capped'.
CREATE TABLE IF NOT EXISTS cohorts (
    start_year INTEGER NOT NULL,
    suffix TEXT NOT NULL DEFAULT 'a',
    funding_cap INTEGER NOT NULL,
    funding TEXT NOT NULL DEFAULT 'full',
    registration_start_date TEXT NOT NULL,
    PRIMARY KEY (start_year, suffix)
);
CREATE TABLE IF NOT EXISTS courses (
    identifier TEXT PRIMARY KEY,
    course_group TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedules (
    id INTEGER PRIMARY KEY,
    cohort INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    course_group TEXT NOT NULL,
    applies_from TEXT NOT NULL,
    declaration_types TEXT NOT NULL,           -- comma-separated, in schedule order
    cohort_suffix TEXT NOT NULL DEFAULT 'a',   -- a schedule belongs to one exact cohort (V-92)
    applies_to TEXT,
    UNIQUE (cohort, cohort_suffix, identifier)
);
CREATE TABLE IF NOT EXISTS contracts (
    lead_provider_id TEXT NOT NULL REFERENCES lead_providers(id),
    cohort INTEGER NOT NULL,
    course_identifier TEXT NOT NULL,
    PRIMARY KEY (lead_provider_id, cohort, course_identifier)
);
-- Mutable server-wide settings shared by every worker process: frozen clock, rule switches,
-- closed cohorts. value is JSON.
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- People and their records -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,                       -- the participant_id
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    trn TEXT,
    trn_verified INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,                  -- "significantly updated" time (sections 3.3, 3.4)
    previous_names TEXT NOT NULL DEFAULT '[]'  -- JSON array, oldest first; v3 shows it (V-14)
);
CREATE INDEX IF NOT EXISTS users_trn ON users (trn);

CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    lead_provider_id TEXT NOT NULL REFERENCES lead_providers(id),
    course_identifier TEXT NOT NULL,
    cohort INTEGER,
    status TEXT NOT NULL,                      -- pending | accepted | rejected
    training_status TEXT,                      -- active | deferred | withdrawn (accepted only)
    schedule_id INTEGER REFERENCES schedules(id),
    funded_place INTEGER,
    eligible_for_funding INTEGER NOT NULL,     -- the stored flag (R-40 derives the shown one)
    funding_eligibility_status_code TEXT,       -- e.g. marked_funded_by_policy (R-40)
    employer_name TEXT,
    employment_role TEXT,
    funding_choice TEXT,
    headteacher_status TEXT,
    private_childcare_provider_urn TEXT,
    school_urn TEXT,
    school_ukprn TEXT,
    works_in_school INTEGER,
    targeted_delivery_funding_eligibility INTEGER NOT NULL DEFAULT 0,
    teacher_catchment TEXT,                    -- stored value: england, scotland, ..., another
    teacher_catchment_country TEXT,
    teacher_catchment_iso_country_code TEXT,
    itt_provider TEXT,
    lead_mentor INTEGER NOT NULL DEFAULT 0,
    accepted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Written only by v3 rules and DfE, shown only by v3 (V-100).
    reason_for_rejection TEXT,                 -- rejected_by_provider | other_application_in_this_cohort_accepted | registration_expired
    cohort_suffix TEXT NOT NULL DEFAULT 'a',   -- with cohort: the application's exact cohort
    senco_in_role TEXT,                        -- yes | no_but_i_plan_to_become_one | no_i_do_not_plan_to_be_a_SENCO
    senco_start_date TEXT
);
CREATE INDEX IF NOT EXISTS applications_by_provider_updated ON applications (lead_provider_id, updated_at);
CREATE INDEX IF NOT EXISTS applications_by_user ON applications (user_id, course_identifier, cohort);

-- Training-status history (section 7.2): drives R-82.
CREATE TABLE IF NOT EXISTS application_states (
    id INTEGER PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    lead_provider_id TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS application_states_by_application ON application_states (application_id, id);

-- declaration_usec: the microseconds of declaration_date. Rails keeps them, so comparisons (R-93) and the
-- twin lookup (R-100) use them, while responses show whole seconds (R-23). Last, as ALTER TABLE adds it.
CREATE TABLE IF NOT EXISTS declarations (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    lead_provider_id TEXT NOT NULL,
    cohort INTEGER NOT NULL,
    declaration_type TEXT NOT NULL,
    declaration_date TEXT NOT NULL,            -- whole seconds, as shown (R-23)
    state TEXT NOT NULL,                       -- stored with underscores (R-136)
    superseded_by_id TEXT,                     -- R-104 duplicate link
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    declaration_usec INTEGER NOT NULL DEFAULT 0,
    cohort_suffix TEXT NOT NULL DEFAULT 'a',   -- with cohort: the schedule's exact cohort at creation (V-38)
    delivery_partner_id TEXT,                  -- v3 only writes and shows these (V-63, V-95)
    secondary_delivery_partner_id TEXT,
    state_reason TEXT                          -- 'duplicate' only from DfE's side (V-18, V-102)
);
CREATE INDEX IF NOT EXISTS declarations_by_provider_updated ON declarations (lead_provider_id, updated_at);
CREATE INDEX IF NOT EXISTS declarations_by_application ON declarations (application_id);
CREATE INDEX IF NOT EXISTS declarations_by_user ON declarations (user_id);

CREATE TABLE IF NOT EXISTS outcomes (
    id TEXT PRIMARY KEY,
    declaration_id TEXT NOT NULL REFERENCES declarations(id),
    lead_provider_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL,                       -- passed | failed | voided
    completion_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_by_declaration ON outcomes (declaration_id, created_at);
CREATE INDEX IF NOT EXISTS outcomes_by_user ON outcomes (user_id, lead_provider_id, created_at, id);

-- Retired participant ids (R-74.1, R-80): not reachable through v1 in practice, kept for fidelity.
CREATE TABLE IF NOT EXISTS participant_id_changes (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    from_participant_id TEXT NOT NULL,
    to_participant_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Delivery partners (global) and their partnerships with a provider for one exact cohort (V-95).
CREATE TABLE IF NOT EXISTS delivery_partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_partners_by_name ON delivery_partners (name);
CREATE TABLE IF NOT EXISTS delivery_partnerships (
    delivery_partner_id TEXT NOT NULL REFERENCES delivery_partners(id),
    lead_provider_id TEXT NOT NULL,
    cohort INTEGER NOT NULL,
    cohort_suffix TEXT NOT NULL DEFAULT 'a',
    created_at TEXT NOT NULL,
    PRIMARY KEY (lead_provider_id, delivery_partner_id, cohort, cohort_suffix)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delivery_partnerships_by_partner ON delivery_partnerships (delivery_partner_id);

-- Statements: one per (provider, cohort, year, month), open -> payable -> paid by DfE (V-71, V-93); items link
-- declarations to them with their own state (V-94): billable (eligible/payable/paid) or refundable
-- (awaiting_clawback/clawed_back), or voided/ineligible.
CREATE TABLE IF NOT EXISTS statements (
    id TEXT PRIMARY KEY,
    lead_provider_id TEXT NOT NULL,
    cohort INTEGER NOT NULL,
    cohort_suffix TEXT NOT NULL DEFAULT 'a',
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    deadline_date TEXT,
    payment_date TEXT,
    output_fee INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'open',        -- open | payable | paid
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (lead_provider_id, cohort, cohort_suffix, year, month)
);
CREATE INDEX IF NOT EXISTS statements_page ON statements (lead_provider_id, payment_date);
CREATE TABLE IF NOT EXISTS statement_items (
    id INTEGER PRIMARY KEY,
    statement_id TEXT NOT NULL REFERENCES statements(id),
    declaration_id TEXT NOT NULL REFERENCES declarations(id),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS statement_items_by_declaration ON statement_items (declaration_id, id);
CREATE INDEX IF NOT EXISTS statement_items_by_statement ON statement_items (statement_id, state);

-- Added for the API's queries (core mock server). Lists order by (created_at, rowid): the rowid is the
-- insertion order, like the real service's integer primary keys, and every index ends with it.
CREATE INDEX IF NOT EXISTS applications_page ON applications (lead_provider_id, created_at);
CREATE INDEX IF NOT EXISTS applications_by_user_provider ON applications (user_id, lead_provider_id, status);
-- v2's enrolments CSV: a provider's accepted applications in list order, keys from the index alone.
CREATE INDEX IF NOT EXISTS applications_by_provider_status ON applications (lead_provider_id, status, created_at);
CREATE INDEX IF NOT EXISTS declarations_page ON declarations (lead_provider_id, created_at);
CREATE INDEX IF NOT EXISTS outcomes_page ON outcomes (lead_provider_id, created_at);
CREATE INDEX IF NOT EXISTS users_page ON users (created_at);
CREATE INDEX IF NOT EXISTS participant_id_changes_by_user ON participant_id_changes (user_id);
CREATE INDEX IF NOT EXISTS participant_id_changes_by_from ON participant_id_changes (from_participant_id);

-- Participants list (R-70) without scanning every user: (provider, person) pairs with an accepted application,
-- kept by triggers so every writer (seeding, testing API, the API) maintains it; replacing the providers
-- (seed, reset) clears them.
CREATE TABLE IF NOT EXISTS provider_participants (
    lead_provider_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_created_at TEXT,
    user_seq INTEGER,          -- users.rowid: ties on created_at go by insertion order, as in every other list
    PRIMARY KEY (lead_provider_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS provider_participants_order
    ON provider_participants (lead_provider_id, user_created_at, user_seq);
CREATE INDEX IF NOT EXISTS provider_participants_by_user ON provider_participants (user_id);
CREATE TRIGGER IF NOT EXISTS provider_participants_on_insert AFTER INSERT ON applications
WHEN NEW.status = 'accepted' BEGIN
    INSERT OR IGNORE INTO provider_participants (lead_provider_id, user_id, user_created_at, user_seq)
    VALUES (NEW.lead_provider_id, NEW.user_id, (SELECT created_at FROM users WHERE id = NEW.user_id),
            (SELECT rowid FROM users WHERE id = NEW.user_id));
END;
CREATE TRIGGER IF NOT EXISTS provider_participants_on_update AFTER UPDATE OF status, lead_provider_id ON applications
WHEN NEW.status = 'accepted' BEGIN
    INSERT OR IGNORE INTO provider_participants (lead_provider_id, user_id, user_created_at, user_seq)
    VALUES (NEW.lead_provider_id, NEW.user_id, (SELECT created_at FROM users WHERE id = NEW.user_id),
            (SELECT rowid FROM users WHERE id = NEW.user_id));
END;
CREATE TRIGGER IF NOT EXISTS provider_participants_on_unaccept AFTER UPDATE OF status, lead_provider_id ON applications
WHEN OLD.status = 'accepted' BEGIN
    DELETE FROM provider_participants WHERE lead_provider_id = OLD.lead_provider_id AND user_id = OLD.user_id
    AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.user_id = OLD.user_id
                    AND a.lead_provider_id = OLD.lead_provider_id AND a.status = 'accepted');
END;
CREATE TRIGGER IF NOT EXISTS provider_participants_on_delete AFTER DELETE ON applications
WHEN OLD.status = 'accepted' BEGIN
    DELETE FROM provider_participants WHERE lead_provider_id = OLD.lead_provider_id AND user_id = OLD.user_id
    AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.user_id = OLD.user_id
                    AND a.lead_provider_id = OLD.lead_provider_id AND a.status = 'accepted');
END;
-- An application may be bulk-inserted before its person (seeding): the person's row fills the keys in.
CREATE TRIGGER IF NOT EXISTS provider_participants_user_created AFTER INSERT ON users BEGIN
    UPDATE provider_participants SET user_created_at = NEW.created_at, user_seq = NEW.rowid WHERE user_id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS provider_participants_user_changed AFTER UPDATE OF created_at ON users BEGIN
    UPDATE provider_participants SET user_created_at = NEW.created_at WHERE user_id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS provider_participants_clear AFTER DELETE ON lead_providers BEGIN
    DELETE FROM provider_participants WHERE lead_provider_id = OLD.id;
END;
-- A world file made before this table existed (or before user_seq), or a world just written without its
-- triggers, has it filled from applications and users by db.py (_fill_participants).

-- Declarations whose application another provider owns now (a transfer, V-99): v3 lists them to the owner too
-- (VD8, V-51). Rare, so the owner's list merges these keys with its own index instead of visiting every
-- application it owns. Kept by the trigger of the one write that makes them (the application's provider
-- changes); replacing the providers (seed, reset) clears them; db.create_schema fills a file made before.
CREATE TABLE IF NOT EXISTS foreign_declarations (
    owner_id TEXT NOT NULL,                    -- the application's provider now
    created_at TEXT NOT NULL,                  -- the declaration's, with its rowid: the list's order
    declaration_rowid INTEGER NOT NULL,
    PRIMARY KEY (owner_id, created_at, declaration_rowid)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS foreign_declarations_on_transfer AFTER UPDATE OF lead_provider_id ON applications
WHEN NEW.lead_provider_id IS NOT OLD.lead_provider_id BEGIN
    DELETE FROM foreign_declarations WHERE owner_id = OLD.lead_provider_id AND declaration_rowid IN
        (SELECT rowid FROM declarations WHERE application_id = NEW.id);
    INSERT OR IGNORE INTO foreign_declarations (owner_id, created_at, declaration_rowid)
    SELECT NEW.lead_provider_id, d.created_at, d.rowid FROM declarations d
    WHERE d.application_id = NEW.id AND d.lead_provider_id <> NEW.lead_provider_id;
END;
CREATE TRIGGER IF NOT EXISTS foreign_declarations_clear AFTER DELETE ON lead_providers BEGIN
    DELETE FROM foreign_declarations WHERE owner_id = OLD.id;
END;

-- Stored rendered bodies (store/rendered.py): the JSON of one record as one view shows it, so a page is its
-- keys and their bodies joined. slot packs kind, record rowid, provider and view into the rowid (a body of
-- ~1 KB stays in its b-tree leaf, and one record's or one kind's bodies are a range); the triggers made from
-- store/invalidation.py delete the bodies a write affects. rendered_state: the build that rendered them
-- (another build clears them), and the bytes they use and may use (store until the budget is spent).
CREATE TABLE IF NOT EXISTS rendered (
    slot INTEGER PRIMARY KEY,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS rendered_state (
    stamp TEXT NOT NULL,
    used INTEGER NOT NULL,
    budget INTEGER NOT NULL
);
-- Bumped by every write to a world table but the bodies (generated triggers): the paging marks of a
-- connection hold while it is unchanged (store/paging.py).
CREATE TABLE IF NOT EXISTS record_generation (
    n INTEGER NOT NULL
);

-- Worlds (isolated copies of the mock, POST /__mock__/worlds): a registry kept in the default world's file.
-- Each world is a file of its own (a copy of a seeded template) whose lead_providers rows carry the world's
-- fresh tokens; world_tokens maps those tokens back to their world, so a token is the whole interface.
CREATE TABLE IF NOT EXISTS worlds (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    seed INTEGER NOT NULL,
    applications INTEGER,
    empty INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at REAL NOT NULL                   -- UNIX time (the real clock, never a world's frozen one)
);
CREATE TABLE IF NOT EXISTS world_tokens (
    token TEXT PRIMARY KEY,
    world_id TEXT NOT NULL REFERENCES worlds(id),
    lead_provider_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS world_tokens_by_world ON world_tokens (world_id);
