/**
 * The admin JSON API under {@code /api/v1}: listings, file versions, restores of a file or a
 * folder, and conflicts. Input is parsed strictly and bounded; a bad request changes nothing.
 * Authentication arrives in a later issue; until then central binds to 127.0.0.1 by default.
 */
package io.tributary.central.api;
