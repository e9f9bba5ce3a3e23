package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A list read from a shoot API server in pages ({@code limit} and {@code continue}) and folded page
 * by page, so that no more than one page is held at a time, with a bound on the items and the time
 * of the whole listing: a server that keeps sending pages cannot keep a reconcile for ever.
 */
record Listing(int page, int maxItems, Duration deadline) {

    /**
     * 50 items a page (at the default response size limit, 80 KiB an item), at most 150,000 items (as many
     * pods as a cluster of Kubernetes' largest tested size runs) in two minutes.
     */
    static final Listing DEFAULT = new Listing(50, 150_000, Duration.ofMinutes(2));

    /**
     * Reads every page of a list and gives each item to {@code fold}.
     *
     * @param what  what is listed, as a message names it ("Nodes")
     * @return the version of the list (the first page's: the pages are one snapshot), to watch from
     * @throws ResponseBounds.Exceeded when the listing passes its bound on items or time
     */
    <T extends HasMetadata, L extends KubernetesResourceList<T>> String fold(String what, Function<ListOptions, L> list, Consumer<T> fold) {
        long start = System.nanoTime();
        String version = null;
        String next = null;
        long items = 0;
        int pages = 0;
        do {
            if (++pages > maxItems / page) {
                throw new ResponseBounds.Exceeded("a listing of " + what + " in more than " + maxItems / page + " pages");
            }
            if (Duration.ofNanos(System.nanoTime() - start).compareTo(deadline) > 0) {
                throw new ResponseBounds.Exceeded("a listing of " + what + " that took longer than " + deadline.toSeconds() + " s");
            }
            L current = list.apply(new ListOptionsBuilder().withLimit((long) page).withContinue(next).build());
            if (version == null && current.getMetadata() != null) {
                version = current.getMetadata().getResourceVersion();
            }
            for (T item : current.getItems()) {
                if (++items > maxItems) {
                    throw new ResponseBounds.Exceeded("a listing of more than " + maxItems + " " + what);
                }
                fold.accept(item);
            }
            next = current.getMetadata() == null ? null : current.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return version;
    }
}
