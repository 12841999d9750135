namespace Greenlets.Tests;

/// <summary>The greenlet rules run against <see cref="AsyncGreenlet"/>, each test in a fresh async flow (its own tree).</summary>
public sealed class AsyncGreenletContractTests() : GreenletContractTests(AsyncGreenletBackend.Instance);
