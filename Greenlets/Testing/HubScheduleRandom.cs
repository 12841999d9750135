namespace Greenlets.Internal;

/// <summary>SplitMix64: a tiny seeded generator whose sequence is fixed by this code, not by the runtime's
/// <see cref="Random"/>, so that a seed names the same schedule on every .NET version.</summary>
internal struct HubScheduleRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Mixes a seed and a run index into the seed of that run.</summary>
    public static int Derive(int seed, int index)
    {
        var random = new HubScheduleRandom(((ulong)(uint)seed << 32) | (uint)index);
        return (int)random.Next();
    }

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns a number in [0, <paramref name="bound"/>).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);
}
