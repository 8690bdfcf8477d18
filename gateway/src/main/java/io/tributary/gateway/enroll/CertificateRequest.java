package io.tributary.gateway.enroll;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** A fresh EC P-256 key pair and the PKCS#10 request that asks central to certify it. */
record CertificateRequest(KeyPair keys, byte[] der) {
    static CertificateRequest fresh() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            // Central puts the branch in the certificate; the requested subject is not used.
            byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=tributary gateway"), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            return new CertificateRequest(pair, der);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a key pair and certification request: " + e.getMessage(), e);
        }
    }
}
