/**
 * The network architectures (report CNNs, the three-block CNN, VGG16, dense-only, the denoising autoencoder), custom layers and seeded initialisers, features and embeddings.
 *
 * @module
 */

export {
  type CnnName,
  type CnnOptions,
  countParams,
  fourConvCnn,
  type FourConvCnnOptions,
  type ParamCounts,
  simpleCnn,
  summary,
  threeBlockCnn,
  type ThreeBlockCnnOptions,
} from "./cnn.ts";
export { type DenoiserOptions, denoisingAutoencoder } from "./denoiser.ts";
export { denseNet, type DenseNetOptions } from "./dense.ts";
export { type EmbeddingOptions, embeddings } from "./embeddings.ts";
export {
  cachedFeatures,
  type CachedFeaturesOptions,
  extractFeatures,
  type ExtractOptions,
  type Features,
} from "./features.ts";
export { pixelPowers, type PixelPowersOptions } from "./layers.ts";
export {
  type LoadReport,
  loadVggWeights,
  VGG16_BASE_PARAMS,
  vgg16Base,
  type Vgg16BaseOptions,
  vgg16Head,
  type VggHeadOptions,
  type VggInputOptions,
} from "./vgg16.ts";
