namespace Greenlets.Tests;

/// <summary>The one shared hang guard: anything that could deadlock waits at most this long, then fails.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Unexpected = TimeSpan.FromSeconds(60);
}
