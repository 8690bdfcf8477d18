/**
 * The gateway's identity towards central: enrolling with a one-time token, the certificate and
 * key that enrollment stores (mutual TLS on every connection to central), and renewing that
 * certificate before it expires. Keys are made here and never sent anywhere.
 */
package io.tributary.gateway.enroll;
