package io.github.shootdualstack.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority for tests, as Gardener keeps one per Shoot ({@code <shoot>.ca-client}): an
 * RSA key and a self-signed CA certificate, both as PEM (the key in PKCS#1 form, {@code BEGIN RSA
 * PRIVATE KEY}, which is what Gardener reads), and client certificates it signs.
 */
public final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key, as PEM. */
    public record Issued(String certificatePem, String keyPem) {
    }

    private final KeyPair keys;
    private final X509CertificateHolder certificate;
    private final String name;

    private TestCa(String name, KeyPair keys, X509CertificateHolder certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestCa create(String commonName) {
        KeyPair keys = rsa();
        Instant now = Instant.now();
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(10))), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            return new TestCa(commonName, keys, builder.build(signer(keys.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA certificate, PEM. */
    public String certificatePem() {
        return pem("CERTIFICATE", encoded(certificate));
    }

    /** The CA key in PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). */
    public String keyPem() {
        return pkcs1(keys.getPrivate());
    }

    /** A client certificate with this common name and these organizations (groups), valid for {@code validity}. */
    public Issued client(String commonName, List<String> organizations, Duration validity) {
        KeyPair client = rsa();
        Instant now = Instant.now();
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(organization -> subject.addRDN(BCStyle.O, organization));
        subject.addRDN(BCStyle.CN, commonName);
        try {
            var builder = new JcaX509v3CertificateBuilder(certificate.getSubject(), BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), subject.build(), client.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new Issued(pem("CERTIFICATE", encoded(builder.build(signer(keys.getPrivate())))), pkcs1(client.getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "test CA " + name;
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509CertificateHolder holder) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pkcs1(PrivateKey key) {
        try {
            return pem("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
