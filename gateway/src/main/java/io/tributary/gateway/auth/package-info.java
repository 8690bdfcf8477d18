/** Who may use the share: the authenticator the front-ends call and the embedded local user store. */
package io.tributary.gateway.auth;
