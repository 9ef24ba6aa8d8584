/** How {@code elara} prints: human lines, {@code --json} lines, manual pages, and log setup. */
package io.elara.cli.output;
