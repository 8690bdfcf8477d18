/** The {@code tributary sync} command line. */
package io.tributary.sync.cli;
