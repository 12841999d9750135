namespace Greenlets.Internal;

/// <summary>A stopped recorder's events as <c>"a -> b"</c> strings, each built when first read: a test run that passes
/// and whose events nobody reads builds none (issue 13: the recorder's strings were most of <c>HubTest</c>'s cost).</summary>
/// <remarks>Immutable once made, and safe to read from any thread: two readers may build the same string at once, and
/// either copy is kept.</remarks>
internal sealed class SwitchEventList(SwitchRecorder.Entry[] entries) : IReadOnlyList<string>
{
    private string?[]? _texts;

    /// <inheritdoc/>
    public int Count => entries.Length;

    /// <inheritdoc/>
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, entries.Length);
            string?[] texts = _texts ?? Interlocked.CompareExchange(ref _texts, new string?[entries.Length], null) ?? _texts!;
            return texts[index] ??= entries[index].ToString();
        }
    }

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < entries.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
