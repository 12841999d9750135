namespace Greenlets.Internal;

/// <summary>
/// A weakly held set of objects for metrics to visit, pruned as it grows: an entry is dropped when its object was
/// collected or is retired (its thread exited), so a process that runs many short-lived threads keeps a registry the
/// size of what is alive, whether or not a metrics listener ever polls.
/// </summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal sealed class WeakRegistry<T>
    where T : class
{
    private const int MinPruneAt = 64;

    private readonly Lock _sync = new();
    private readonly List<WeakReference<T>> _items = [];
    private readonly Func<T, bool> _isRetired;
    private readonly Action<T>? _onRetired;
    private int _pruneAt = MinPruneAt;

    /// <summary>Creates a registry.</summary>
    /// <param name="isRetired">Whether a still reachable object will never matter to the metrics again.</param>
    /// <param name="onRetired">Called (under the registry's lock) for a retired object as it is dropped, to keep its
    /// last figures.</param>
    public WeakRegistry(Func<T, bool> isRetired, Action<T>? onRetired = null)
    {
        _isRetired = isRetired;
        _onRetired = onRetired;
    }

    /// <summary>Gets how many entries are held now (alive or not yet pruned).</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds an object; every time the registry doubles since the last prune, prunes it first, so adding stays
    /// amortised constant time.</summary>
    /// <param name="item">The object.</param>
    public void Add(T item)
    {
        lock (_sync)
        {
            if (_items.Count >= _pruneAt)
            {
                Visit(null);
                _pruneAt = Math.Max(MinPruneAt, _items.Count * 2);
            }

            _items.Add(new WeakReference<T>(item));
        }
    }

    /// <summary>Sums <paramref name="measure"/> over the live objects, pruning the rest on the way.</summary>
    /// <param name="measure">The figure of one object.</param>
    /// <param name="retiredTotal">The figures kept from retired objects (read under the lock, before this visit
    /// retires more, so none is counted twice), or null.</param>
    /// <returns>The sum.</returns>
    public long Sum(Func<T, long> measure, Func<long>? retiredTotal = null)
    {
        lock (_sync)
        {
            long kept = retiredTotal?.Invoke() ?? 0;
            return kept + Visit(measure);
        }
    }

    private long Visit(Func<T, long>? measure)
    {
        long total = 0;
        for (int i = _items.Count - 1; i >= 0; i--)
        {
            if (!_items[i].TryGetTarget(out T? item))
            {
                RemoveAt(i);
                continue;
            }

            bool retired = _isRetired(item);
            if (measure is not null)
            {
                total += measure(item);
            }

            if (retired)
            {
                _onRetired?.Invoke(item);
                RemoveAt(i);
            }
        }

        return total;
    }

    // Order does not matter: move the last entry into the hole instead of shifting the list.
    private void RemoveAt(int i)
    {
        int last = _items.Count - 1;
        _items[i] = _items[last];
        _items.RemoveAt(last);
    }
}
