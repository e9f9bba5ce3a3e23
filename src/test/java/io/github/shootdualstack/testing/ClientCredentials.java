package io.github.shootdualstack.testing;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A key pair made in the test (RSA 2048 or EC P-256) and a certificate of its own (self-signed), with
 * the private key in one of the PEM forms a kubeconfig may carry it.
 */
public final class ClientCredentials {

    /** How the private key is written. */
    public enum KeyForm {
        /** {@code BEGIN RSA PRIVATE KEY}, as openssl and kubeadm write RSA keys. */
        RSA_PKCS1("RSA"),
        /** {@code BEGIN PRIVATE KEY} holding an RSA key. */
        RSA_PKCS8("RSA"),
        /** {@code BEGIN EC PRIVATE KEY}, as openssl and cfssl write EC keys. */
        EC_SEC1("EC"),
        /** {@code BEGIN PRIVATE KEY} holding an EC key, as Gardener's envtest and Go's x509.MarshalPKCS8PrivateKey write it. */
        EC_PKCS8("EC"),
        /** {@code BEGIN EC PARAMETERS} then {@code BEGIN EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes them. */
        EC_SEC1_AFTER_PARAMETERS("EC");

        private final String algorithm;

        KeyForm(String algorithm) {
            this.algorithm = algorithm;
        }

        public String algorithm() {
            return algorithm;
        }
    }

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final String keyPem;

    private ClientCredentials(KeyPair keys, X509Certificate certificate, String keyPem) {
        this.keys = keys;
        this.certificate = certificate;
        this.keyPem = keyPem;
    }

    /** New keys, a certificate for {@code name} (also its DNS name, and 127.0.0.1), the key written in {@code form}. */
    public static ClientCredentials generate(KeyForm form, String name) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(form.algorithm());
            if (form.algorithm().equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            KeyPair keys = generator.generateKeyPair();
            return new ClientCredentials(keys, selfSigned(keys, name), pem(keys, form));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public KeyPair keys() {
        return keys;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String keyPem() {
        return keyPem;
    }

    /** A key store holding the key and the certificate (password "changeit"), for a TLS server. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", keys.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether fabric8's key managers for {@code config} hold this key, with this certificate. */
    public boolean heldBy(KeyManager[] managers) {
        X509KeyManager manager = (X509KeyManager) managers[0];
        String[] aliases = manager.getClientAliases(keys.getPublic().getAlgorithm(), null);
        return aliases != null && aliases.length == 1
                && java.util.Arrays.equals(manager.getPrivateKey(aliases[0]).getEncoded(), keys.getPrivate().getEncoded())
                && manager.getCertificateChain(aliases[0])[0].equals(certificate);
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static X509Certificate selfSigned(KeyPair keys, String name) throws GeneralSecurityException, IOException {
        X500Name subject = new X500Name("CN=" + name + ",O=system:masters");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName[] {
                        new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, name),
                        new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")}));
        try {
            var signer = new JcaContentSignerBuilder(keys.getPrivate() instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA")
                    .build(keys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static String pem(KeyPair keys, KeyForm form) throws IOException {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        return switch (form) {
            case RSA_PKCS8, EC_PKCS8 -> block("PRIVATE KEY", pkcs8);
            // PKCS#1 is what PKCS#8 wraps
            case RSA_PKCS1 -> block("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded());
            case EC_SEC1 -> block("EC PRIVATE KEY", sec1((ECPrivateKey) keys.getPrivate()));
            case EC_SEC1_AFTER_PARAMETERS -> block("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded())
                    + block("EC PRIVATE KEY", sec1((ECPrivateKey) keys.getPrivate()));
        };
    }

    /** SEC1 with the curve named, as openssl writes it (the JDK's PKCS#8 encoding leaves the curve out of its inner SEC1). */
    private static byte[] sec1(ECPrivateKey key) throws IOException {
        ASN1ObjectIdentifier curve = SECObjectIdentifiers.secp256r1;
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), curve).getEncoded();
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
