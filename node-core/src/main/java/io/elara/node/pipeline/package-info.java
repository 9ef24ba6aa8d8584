/** Pipelines: manifests that name processing nodes and their connections, validated before they run. */
package io.elara.node.pipeline;
