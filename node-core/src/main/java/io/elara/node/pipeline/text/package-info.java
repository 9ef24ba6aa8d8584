/** Text building blocks for pipeline nodes: templates, filters, and piping text through a command. */
package io.elara.node.pipeline.text;
