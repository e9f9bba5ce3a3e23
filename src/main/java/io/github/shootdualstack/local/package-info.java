/**
 * The local provider: a faithful stand-in for the Gardener extension controllers and for a shoot
 * cluster, which the demo, the end-to-end tests and the benchmark run the operator against. It
 * talks only to API servers (usually the embedded {@link io.github.shootdualstack.local.LocalApiServer}s),
 * exactly like the real controllers; the operator never calls it.
 *
 * <ul>
 *   <li>{@link io.github.shootdualstack.local.LocalCrds}: the Shoot CRD and minimal extension CRDs for a garden.</li>
 *   <li>{@link io.github.shootdualstack.local.LocalLandscape}: one IPv4-only shoot, written into a garden and
 *       a shoot API server.</li>
 *   <li>{@link io.github.shootdualstack.local.LocalExtensions}: Infrastructure, ControlPlane and Network
 *       controllers honouring the extension contract, with configurable delays and failures.</li>
 *   <li>{@link io.github.shootdualstack.local.ShootClusterSimulator}: new nodes when a MachineDeployment's
 *       template changes, new CoreDNS pods when the coredns Deployment's template changes.</li>
 *   <li>{@link io.github.shootdualstack.local.LocalProvider}: all of the above around one garden.</li>
 *   <li>{@link io.github.shootdualstack.local.GardenletStandIn}: gardenlet v1.138.0's shoot reconciles, which run the
 *       dual-stack migration themselves; off unless started ({@link io.github.shootdualstack.local.LocalProvider#startGardenlet}).
 *       {@link io.github.shootdualstack.local.MigrationGuideByHand} does what Gardener's migration guide leaves to people.</li>
 * </ul>
 *
 * The address plan, IPv6 included, is in {@link io.github.shootdualstack.local.LocalNetworks}.
 */
package io.github.shootdualstack.local;
