/** One class per {@code elara} subcommand; each delegates to node-core. */
package io.elara.cli.command;
