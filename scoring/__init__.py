"""The grading model of the appendix table (北京市工厂绿色分级评价指标体系): pure, data-driven.

- :mod:`scoring.rules`   the rule kinds (ratio, position, percent, checklist, level) as pydantic
                         models read from ``knowledge/indicators.yaml``; points and next steps.
- :mod:`scoring.data`    the shipped table (``default_table()``): indicators and grade cut-offs.
- :mod:`scoring.inputs`  answers: ``parse_answer(indicator, raw)`` for one answer (a dialog step),
                         ``parse_input(mapping, indicators)`` for a whole ``greenbot score`` INPUT.
- :mod:`scoring.report`  ``score(answers)`` → :class:`~scoring.report.Report`: points, no words.
- :mod:`scoring.present` notes, step texts, button choices, the plain-text report (templates),
                         ``report_json(report, lang)``.
- :mod:`scoring.chart`   the PNG bar chart (matplotlib, imported only there).
"""
