"""The rule engine's rules, grouped by the evidence they read. claims.py tries them in order from
its tables (rule, confidence):

  speech.py       reported speech: clause complement, parenthetical cue, reported object,
                  clause before / after the cue; a mis-tagged cue verb ("Clinton maintains that")
  quotations.py   quotations around a cue: “A,” she said, “B.”; a quotation inside the complement
  stance.py       beliefs, intentions, stances and records: "X wants Y", "called X a Z",
                  "Y was endorsed by X", "a poll shows Y"
  stance_words.py stance adjectives and nouns: "X is confident that Y", "X's claim that Y"
  comment.py      comment clauses: "as X put it"
  according.py    prepositional and framing cues: "according to X", "In a video by X, ..."
  context.py      what a rule reads: the Sentence and the cue Verb

Layout-marked attributions (speaker labels, "X added:" + paragraph, dash-signed quotes) are
document-level and live in ../layout.py.
"""
