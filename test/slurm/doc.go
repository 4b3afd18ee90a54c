// Package slurm holds the test that runs trailscan's shards under a real
// job engine: a Slurm job array on a one-machine cluster, which
// .ci/slurm.sh starts. Without it (TRAILSCAN_SLURM_STATE and SLURM_CONF
// unset) the test skips, unless TRAILSCAN_REQUIRE_SLURM is set, as it is
// in CI.
package slurm
