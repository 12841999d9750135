namespace Greenlets.Internal;

/// <summary>An append-only log of a recorder's entries, kept in fixed chunks: appending never copies what is already
/// there, and no chunk is large enough for the large-object heap (issue 13: one growing list of 20,000 entries was
/// re-copied at each doubling, landed on the large-object heap and cost a Gen2 collection every other test run).</summary>
/// <remarks>One writer at a time (the recorder's lock, or the one tree whose baton orders its events); readers on any
/// thread. Each entry and chunk is published before the count that covers it, so a <see cref="View"/> sees only written
/// entries, and it stays valid while the log grows, because a slot once written is never written again and full chunks
/// are never moved.</remarks>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class SwitchEntryLog<T>
    where T : struct
{
    // 1,024 entries of a 32-byte entry: 32 KB a chunk, well under the 85,000-byte large-object threshold.
    private const int ChunkSize = 1024;

    private T[][] _chunks = [];
    private int _count;

    /// <summary>Gets how many entries were appended.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Appends one entry.</summary>
    public void Add(in T entry)
    {
        int chunk = _count / ChunkSize;
        if (chunk == _chunks.Length)
        {
            // Only the small array of chunk references grows (and is replaced, so an older view keeps its own copy).
            T[][] chunks = new T[Math.Max(4, 2 * _chunks.Length)][];
            Array.Copy(_chunks, chunks, _chunks.Length);
            Volatile.Write(ref _chunks, chunks);
        }

        int slot = _count % ChunkSize;
        T[]? current = _chunks[chunk];
        if (current is null || slot == current.Length)
        {
            // The first chunk starts small and doubles up to full size, so a short recording stays small; the later ones
            // are full size at once. A view still holding the old first chunk reads the same entries from it.
            int size = chunk == 0 ? Math.Min(ChunkSize, Math.Max(16, 2 * (current?.Length ?? 0))) : ChunkSize;
            var grown = new T[size];
            current?.AsSpan().CopyTo(grown);
            Volatile.Write(ref _chunks[chunk], grown);
            current = grown;
        }

        current[slot] = entry;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Gets the entries appended so far; later appends do not show in it.</summary>
    public View Snapshot()
    {
        // The count first: the chunks read after it hold at least that many entries.
        int count = Volatile.Read(ref _count);
        return new(Volatile.Read(ref _chunks), count);
    }

    /// <summary>A fixed prefix of the log, readable from any thread once taken.</summary>
    public readonly struct View(T[][] chunks, int count)
    {
        /// <summary>Gets how many entries the view holds.</summary>
        public int Count => count;

        /// <summary>Gets the entry at <paramref name="index"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the view.</exception>
        public ref readonly T this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
                return ref chunks[index / ChunkSize][index % ChunkSize];
            }
        }

        /// <summary>Gets the entries in order.</summary>
        public IEnumerable<T> Items()
        {
            for (int i = 0; i < count; i++)
            {
                yield return chunks[i / ChunkSize][i % ChunkSize];
            }
        }
    }
}
