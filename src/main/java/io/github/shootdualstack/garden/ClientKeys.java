package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.client.Config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The algorithm of a kubeconfig's client key, read from the key itself. fabric8 loads a client key
 * as RSA unless its PEM block is {@code EC PRIVATE KEY}, so an EC key in PKCS#8 form ({@code PRIVATE
 * KEY}, as Gardener's envtest and many tools write it) fails to load. Read here: PKCS#1 ({@code RSA
 * PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, also after an {@code EC PARAMETERS} block) and PKCS#8
 * ({@code PRIVATE KEY}) holding an RSA or an EC key. Messages never quote the key.
 */
public final class ClientKeys {

    /** The largest client key file read. */
    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \\1-----", Pattern.DOTALL);

    /** A client key that cannot be used; the message says what the key holds instead, never the key. */
    public static final class Unusable extends IllegalArgumentException {
        Unusable(String problem) {
            super(problem);
        }
    }

    private ClientKeys() {
    }

    /**
     * Sets the client key algorithm of {@code config} as its key (inline, else its file) says; a config
     * without a client key is left as it is. When a key follows other PEM blocks, the inline key becomes
     * that key alone, since fabric8 reads only the first block.
     *
     * @throws Unusable saying what the key holds instead of an RSA or EC private key ("holds no PEM private key")
     */
    public static Config setAlgorithm(Config config) {
        String pem;
        if (config.getClientKeyData() != null && !config.getClientKeyData().isBlank()) {
            pem = decoded(config.getClientKeyData());
        } else if (config.getClientKeyFile() != null && !config.getClientKeyFile().isBlank()) {
            pem = read(Path.of(config.getClientKeyFile()));
        } else {
            return config;
        }
        Matcher key = privateKey(pem);
        config.setClientKeyAlgo(algorithm(key));
        if (key.start() > 0 && pem.substring(0, key.start()).contains("-----BEGIN ")) {
            config.setClientKeyData(Base64.getEncoder().encodeToString(key.group().getBytes(StandardCharsets.US_ASCII)));
        }
        return config;
    }

    /**
     * The algorithm of the private key in {@code pem}, {@code RSA} or {@code EC}.
     *
     * @throws Unusable saying what it holds instead
     */
    public static String algorithm(String pem) {
        return algorithm(privateKey(pem));
    }

    private static String algorithm(Matcher key) {
        String type = key.group(1);
        String body = key.group(2);
        // PKCS#8 encrypted, or PKCS#1/SEC1 with a "Proc-Type: 4,ENCRYPTED" header
        if (type.equals("ENCRYPTED PRIVATE KEY") || body.contains("Proc-Type:")) {
            throw new Unusable("holds an encrypted private key: only an unencrypted key can be used");
        }
        return switch (type) {
            case "RSA PRIVATE KEY" -> "RSA";
            case "EC PRIVATE KEY" -> "EC";
            case "PRIVATE KEY" -> pkcs8(body);
            default -> throw new Unusable("holds a " + type + ", which is neither an RSA nor an EC private key");
        };
    }

    /** The first PEM block of a private key in {@code pem}. */
    private static Matcher privateKey(String pem) {
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            if (block.group(1).endsWith("PRIVATE KEY")) {
                return block;
            }
        }
        throw new Unusable("holds no PEM private key");
    }

    /** A PKCS#8 key: as fabric8 reads it, by a key factory of its algorithm. */
    private static String pkcs8(String body) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw new Unusable("holds a PEM private key that is not valid base64");
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return algorithm;
            } catch (GeneralSecurityException | RuntimeException e) {
                // not a key of this algorithm: try the next
            }
        }
        throw new Unusable("holds a PKCS#8 private key that is not a valid RSA or EC key");
    }

    /** Inline key data as fabric8 reads it: base64 of the PEM text, else the PEM text itself. */
    private static String decoded(String data) {
        try {
            return new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return data;
        }
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Unusable("is larger than " + MAX_BYTES / 1024 + " KiB, which no private key is");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            if (e instanceof Unusable unusable) {
                throw unusable;
            }
            throw new Unusable("cannot be read (" + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getClass().getSimpleName()) + ")");
        }
    }
}
