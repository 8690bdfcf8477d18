/** Wire-level value types that gateway and central both speak. */
package io.tributary.proto;
