package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.shoot.Shoot;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Which Shoots a command looks at: {@code --namespace} (repeatable) and {@code --selector}, checked before use. */
class ShootFilter {

    static final Pattern DNS_SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9./_=!,()\\s-]+");
    private static final long PAGE = 500;

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Shoots in this namespace only; repeatable. Default: all namespaces.")
    List<String> namespaces = List.of();

    @Option(names = "--selector", paramLabel = "SELECTOR",
            description = "Only Shoots matching this label selector, e.g. 'dualstack=enabled'.")
    String selector;

    /** Each impossible value named with what is allowed. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (String namespace : namespaces) {
            if (!DNS_LABEL.matcher(namespace).matches()) {
                problems.add("--namespace \"" + shown(namespace) + "\" is not a namespace name (lower-case letters, digits and '-', at most 63)");
            }
        }
        if (selector != null && (selector.isBlank() || !SELECTOR.matcher(selector).matches())) {
            problems.add("--selector \"" + shown(selector) + "\" is not a label selector such as 'dualstack=enabled,tier!=dev'");
        }
        return problems;
    }

    /** Every Shoot the filter selects, read in pages, by namespace and name. */
    List<Shoot> list(KubernetesClient garden) {
        List<Shoot> shoots = new ArrayList<>();
        for (String namespace : namespaces.isEmpty() ? java.util.Collections.<String>singletonList(null) : namespaces) {
            var resources = garden.resources(Shoot.class);
            var scope = namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace);
            String next = null;
            do {
                var options = new ListOptionsBuilder().withLimit(PAGE).withContinue(next).withLabelSelector(selector).build();
                var page = scope.list(options);
                shoots.addAll(page.getItems());
                next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            } while (next != null && !next.isEmpty());
        }
        shoots.sort(Comparator.comparing((Shoot s) -> s.getMetadata().getNamespace()).thenComparing(s -> s.getMetadata().getName()));
        return shoots;
    }

    /** A value as a message shows it: on one line, and cut when long. */
    static String shown(String value) {
        String line = value.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }
}
