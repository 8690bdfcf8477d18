/**
 * The admin console's server side: admin sign-in (local admins or OIDC with PKCE), sessions kept
 * in the database, the guard every request passes (session, CSRF, security headers) and the
 * console's static files. Its REST routes are in {@code io.tributary.central.api}.
 */
package io.tributary.central.console;
