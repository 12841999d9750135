namespace Greenlets.Tests;

/// <summary>The greenlet rules run against <see cref="Greenlet"/> (thread fibers), each test on its own thread's tree.</summary>
public sealed class ThreadGreenletContractTests() : GreenletContractTests(ThreadGreenletBackend.Instance);
