/**
 * The command line: {@code central} runs a node until it is stopped. Option values are checked
 * before anything is created; a bad one gets one sentence on stderr and exit status 2.
 */
package io.tributary.central.cli;
