/** The interactive terminal (JLine); the only package that uses JLine. */
package io.elara.cli.terminal;
