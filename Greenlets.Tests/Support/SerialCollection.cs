namespace Greenlets.Tests;

/// <summary>Tests that count process-wide resources (threads, memory) and must not run beside others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
