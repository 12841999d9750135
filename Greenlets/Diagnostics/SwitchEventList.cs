namespace Greenlets.Internal;

/// <summary>A stopped recorder's events as <c>"a -> b"</c> strings, each built when first read: a test run that passes
/// and whose events nobody reads builds none (issue 13: the recorder's strings were most of <c>HubTest</c>'s cost).</summary>
/// <remarks>Immutable once made, and safe to read from any thread: two readers may build the same string at once, and
/// either copy is kept.</remarks>
internal sealed class SwitchEventList(SwitchEntryLog<SwitchRecorder.Entry>.View entries) : IReadOnlyList<string>
{
    private string?[]? _texts;

    /// <inheritdoc/>
    public int Count => entries.Count;

    /// <inheritdoc/>
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, entries.Count);
            string?[] texts = _texts ?? Interlocked.CompareExchange(ref _texts, new string?[entries.Count], null) ?? _texts!;
            return texts[index] ??= entries[index].ToString();
        }
    }

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < entries.Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
