// Which script each character belongs to, for the per-script part of the estimate. A tokenizer
// learns each script from its own share of the training data, so each gets its own weights
// (words, bytes, vocabulary pieces); scripts the calibration never saw fall back to the pooled
// weights of all of them (scripts/calibrate-tokens.ts).

/** Scripts written as words of letters outside Latin, in feature order. `other` takes any script not named. */
export const SCRIPTS = [
  'cyrillic',
  'greek',
  'armenian',
  'hebrew',
  'arabic',
  'thaana',
  'devanagari',
  'bengali',
  'gurmukhi',
  'gujarati',
  'oriya',
  'tamil',
  'telugu',
  'kannada',
  'malayalam',
  'sinhala',
  'thai',
  'lao',
  'tibetan',
  'myanmar',
  'georgian',
  'ethiopic',
  'khmer',
  'hangul',
  'kana',
  'han',
  'other',
] as const;
export type Script = (typeof SCRIPTS)[number];

/** Code point ranges of each named script (inclusive); the rest of the letters are `other`. */
export const SCRIPT_RANGES: Record<Exclude<Script, 'other'>, ReadonlyArray<readonly [number, number]>> = {
  cyrillic: [
    [0x400, 0x52f],
    [0x1c80, 0x1c8f],
    [0x2de0, 0x2dff],
    [0xa640, 0xa69f],
  ],
  greek: [
    [0x370, 0x3ff],
    [0x1f00, 0x1fff],
  ],
  armenian: [
    [0x530, 0x58f],
    [0xfb13, 0xfb17],
  ],
  hebrew: [
    [0x590, 0x5ff],
    [0xfb1d, 0xfb4f],
  ],
  arabic: [
    [0x600, 0x6ff],
    [0x750, 0x77f],
    [0x870, 0x8ff],
    [0xfb50, 0xfdff],
    [0xfe70, 0xfefe],
  ],
  thaana: [[0x780, 0x7bf]],
  devanagari: [
    [0x900, 0x97f],
    [0xa8e0, 0xa8ff],
  ],
  bengali: [[0x980, 0x9ff]],
  gurmukhi: [[0xa00, 0xa7f]],
  gujarati: [[0xa80, 0xaff]],
  oriya: [[0xb00, 0xb7f]],
  tamil: [[0xb80, 0xbff]],
  telugu: [[0xc00, 0xc7f]],
  kannada: [[0xc80, 0xcff]],
  malayalam: [[0xd00, 0xd7f]],
  sinhala: [[0xd80, 0xdff]],
  thai: [[0xe00, 0xe7f]],
  lao: [[0xe80, 0xeff]],
  tibetan: [[0xf00, 0xfff]],
  myanmar: [
    [0x1000, 0x109f],
    [0xaa60, 0xaa7f],
  ],
  georgian: [
    [0x10a0, 0x10ff],
    [0x1c90, 0x1cbf],
    [0x2d00, 0x2d2f],
  ],
  ethiopic: [
    [0x1200, 0x139f],
    [0x2d80, 0x2ddf],
  ],
  khmer: [
    [0x1780, 0x17ff],
    [0x19e0, 0x19ff],
  ],
  hangul: [
    [0x1100, 0x11ff],
    [0x3130, 0x318f],
    [0xac00, 0xd7af],
  ],
  kana: [
    [0x3040, 0x30ff],
    [0x31f0, 0x31ff],
    [0xff66, 0xff9f],
  ],
  han: [
    [0x2e80, 0x2fdf],
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ],
};

/** Scripts written without spaces between words, where a run of letters is a phrase, not a word. */
export const UNSPACED_SCRIPTS: ReadonlySet<Script> = new Set(['thai', 'lao', 'tibetan', 'myanmar', 'khmer', 'kana', 'han']);

/** Groups the confidence band is kept for: 'latin' (everything outside the script blocks), then each script. */
export const BAND_GROUPS = ['latin', ...SCRIPTS] as const;
