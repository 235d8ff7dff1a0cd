/**
 * Configuration of the SRMLMCA model: every option, its default, and its validation.
 */
import { InvalidArgumentError } from '../errors';
import { requireBoolean, requireInteger, requireNumberInRange, requireOneOf } from '../validate';
import { SRML_MCA_PRESETS, type SRMLMCAPreset, type SRMLMCAPresetName } from './presets';

/** Weights of the four terms of the training objective. */
export interface SRMLMCALossWeights {
  /** Weight of CE on the fused logits z. @defaultValue 1 */
  fused?: number;
  /** Weight λ_s of CE on the structural branch's logits. @defaultValue 1 */
  structure?: number;
  /** Weight λ_r of CE on the relational branch's logits. @defaultValue 0.5 */
  relation?: number;
  /** Weight λ_b of the BKE mutual-learning term. @defaultValue 0.1 */
  mutual?: number;
}

export interface SRMLMCAConfig extends Partial<SRMLMCAPreset> {
  /** Number of numeric input columns (standardised floats). Required, ≥ 1. */
  numNumeric: number;
  /** Known categories per categorical column (code 0 is reserved for unknown). Required; may be empty. */
  cardinalities: number[];
  /** Numeric column names, used to check tables passed to fit and predict. @defaultValue unchecked */
  numericColumns?: string[];
  /** Categorical column names, used to check tables passed to fit and predict. @defaultValue unchecked */
  categoricalColumns?: string[];
  /** Size preset; explicit size fields override it. @defaultValue 'default' */
  preset?: SRMLMCAPresetName;
  /** Apply the MCA attention block; false gives the "SRML" ablation row. @defaultValue true */
  useMca?: boolean;
  /** Use the structural branch (self-correlation + SCR). @defaultValue true */
  useStructure?: boolean;
  /** Use the relational branch (4-D correlation + CCA + co-attention). @defaultValue true */
  useRelation?: boolean;
  /**
   * Add a linear ("wide") path from the numeric inputs to the fused logits, beside the deep
   * network: z = FC([f_intra; f_inter]) + W_wide·xNum. Not part of the paper's design; it lets the
   * model represent a label that is a linear threshold of a few inputs without fitting the noise
   * columns through the deep path. @defaultValue false
   */
  widePath?: boolean;
  /**
   * L1 strength λ_g of a learnable gate on each input column (see TabularEncoder's
   * `featureGate`): the objective gains λ_g·Σ|g|, so columns without signal can be switched
   * off. 0 builds no gate. Not part of the paper's design. @defaultValue 0
   */
  inputGateL1?: number;
  /** Dropout rate inside the encoder. @defaultValue 0.1 */
  encoderDropout?: number;
  /** Dropout rate before the fused classifier. @defaultValue 0.2 */
  fusedDropout?: number;
  /** Co-attention softmax temperature γ. @defaultValue 1 */
  attentionTemperature?: number;
  /** Temperature τ_m of the branch cosine logits. @defaultValue 0.2 */
  headTemperature?: number;
  /** Temperature T of the BKE term. @defaultValue 1 */
  mutualTemperature?: number;
  /** Loss term weights. */
  lossWeights?: SRMLMCALossWeights;
  /** Seed of weight initialisation, shuffling and dropout. @defaultValue 42 */
  seed?: number;
}

/** The configuration with every default filled in. */
export interface ResolvedSRMLMCAConfig extends SRMLMCAPreset {
  numNumeric: number;
  cardinalities: number[];
  numericColumns: string[] | null;
  categoricalColumns: string[] | null;
  preset: SRMLMCAPresetName;
  useMca: boolean;
  useStructure: boolean;
  useRelation: boolean;
  widePath: boolean;
  inputGateL1: number;
  encoderDropout: number;
  fusedDropout: number;
  attentionTemperature: number;
  headTemperature: number;
  mutualTemperature: number;
  lossWeights: Required<SRMLMCALossWeights>;
  seed: number;
}

const OWNER = 'SRMLMCA';

/** Fills defaults and validates; throws InvalidArgumentError naming the first bad option. */
export function resolveSRMLMCAConfig(config: SRMLMCAConfig): ResolvedSRMLMCAConfig {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError(
      `${OWNER}: expected a config object such as { numNumeric: 8, cardinalities: [2, 3, 5, 5, 2] }; received ${JSON.stringify(config)}.`,
    );
  }
  const preset = requireOneOf(OWNER, 'preset', config.preset ?? 'default', ['tiny', 'fast', 'default', 'large'] as const);
  const sizes = SRML_MCA_PRESETS[preset];

  const numNumeric = requireInteger(OWNER, 'numNumeric', config.numNumeric, 1, 'Pass the number of numeric feature columns.');
  if (!Array.isArray(config.cardinalities)) {
    throw new InvalidArgumentError(
      `${OWNER}: \`cardinalities\` must be an array of category counts, one per categorical column; received ${JSON.stringify(config.cardinalities)}.`,
    );
  }
  const cardinalities = config.cardinalities.map((c, j) => requireInteger(OWNER, `cardinalities[${j}]`, c));
  const numericColumns = config.numericColumns ?? null;
  const categoricalColumns = config.categoricalColumns ?? null;
  if (numericColumns !== null && numericColumns.length !== numNumeric) {
    throw new InvalidArgumentError(
      `${OWNER}: \`numericColumns\` lists ${numericColumns.length} names but \`numNumeric\` is ${numNumeric}; make them agree.`,
    );
  }
  if (categoricalColumns !== null && categoricalColumns.length !== cardinalities.length) {
    throw new InvalidArgumentError(
      `${OWNER}: \`categoricalColumns\` lists ${categoricalColumns.length} names but \`cardinalities\` has ${cardinalities.length} entries; make them agree.`,
    );
  }

  const size = (key: keyof SRMLMCAPreset): number => requireInteger(OWNER, key, config[key] ?? sizes[key]);
  const rate = (key: 'encoderDropout' | 'fusedDropout', fallback: number): number =>
    requireNumberInRange(OWNER, key, config[key] ?? fallback, { min: 0, max: 1, maxExclusive: true });
  const positive = (key: 'attentionTemperature' | 'headTemperature' | 'mutualTemperature', fallback: number): number =>
    requireNumberInRange(OWNER, key, config[key] ?? fallback, { min: 0, minExclusive: true });

  const weights = config.lossWeights ?? {};
  const weight = (key: keyof SRMLMCALossWeights, fallback: number): number =>
    requireNumberInRange(OWNER, `lossWeights.${key}`, weights[key] ?? fallback, { min: 0 });

  const resolved: ResolvedSRMLMCAConfig = {
    numNumeric,
    cardinalities,
    numericColumns,
    categoricalColumns,
    preset,
    height: size('height'),
    width: size('width'),
    channels: size('channels'),
    innerChannels: size('innerChannels'),
    reducedChannels: size('reducedChannels'),
    hiddenChannels: size('hiddenChannels'),
    hiddenUnits: size('hiddenUnits'),
    categoryEmbeddingDim: size('categoryEmbeddingDim'),
    embedDim: size('embedDim'),
    useMca: requireBoolean(OWNER, 'useMca', config.useMca ?? true),
    useStructure: requireBoolean(OWNER, 'useStructure', config.useStructure ?? true),
    useRelation: requireBoolean(OWNER, 'useRelation', config.useRelation ?? true),
    widePath: requireBoolean(OWNER, 'widePath', config.widePath ?? false),
    inputGateL1: requireNumberInRange(OWNER, 'inputGateL1', config.inputGateL1 ?? 0, { min: 0 }),
    encoderDropout: rate('encoderDropout', 0.1),
    fusedDropout: rate('fusedDropout', 0.2),
    attentionTemperature: positive('attentionTemperature', 1),
    headTemperature: positive('headTemperature', 0.2),
    mutualTemperature: positive('mutualTemperature', 1),
    lossWeights: {
      fused: weight('fused', 1),
      structure: weight('structure', 1),
      relation: weight('relation', 0.5),
      mutual: weight('mutual', 0.1),
    },
    seed: requireInteger(OWNER, 'seed', config.seed ?? 42, 0),
  };

  if (!resolved.useStructure && !resolved.useRelation) {
    throw new InvalidArgumentError(
      `${OWNER}: \`useStructure\` and \`useRelation\` are both false; keep at least one branch on.`,
    );
  }
  if (resolved.height * resolved.width < 2) {
    throw new InvalidArgumentError(
      `${OWNER}: the feature map needs at least 2 positions; received height ${resolved.height} and width ${resolved.width}.`,
    );
  }
  return resolved;
}
