#!/usr/bin/env bash
# The build step of deploy/: copies crds/ into the Helm chart (files/crds) and renders the chart's
# default values into deploy/kustomize. Run it after changing the chart or a CRD, and commit the result;
# DeployFilesTest fails while they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test -Dtest=RenderDeployFiles -Drender=true "$@"
