"""sangloc's engine, one room per phase; imports go downward only.

    errors, i18n, jsonform      the base every room may use
    profile/                    the catalog, the profile model, reading and validating files
    pack/                       rule packs: models, the condition syntax tree, loading, checking
    decide/                     facts, compiled patterns, matchers, the decision and its explanation
    run/                        the pipeline, the audit store, replay, comparisons, pack tests
    render/                     one module per output
    commands/                   the click commands (``cli.py`` builds nothing but calls them)

``docs/architecture.md`` walks one profile through ``screen``.
"""
