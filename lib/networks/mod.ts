/**
 * The network architectures (report CNNs, the three-block CNN, VGG16, dense-only, the denoising autoencoder), custom layers and seeded initialisers, features and embeddings.
 *
 * @module
 */

export * from "./cnn.ts";
export * from "./denoiser.ts";
export * from "./dense.ts";
export * from "./embeddings.ts";
export * from "./features.ts";
export * from "./init.ts";
export * from "./layers.ts";
export * from "./vgg16.ts";
