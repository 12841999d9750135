namespace Greenlets.Tests;

/// <summary>The test suite's own error type, like greenlet's tests' <c>SomeError</c>.</summary>
public sealed class SomeException : Exception
{
    public SomeException()
        : base("some error")
    {
    }

    public SomeException(string message)
        : base(message)
    {
    }

    public SomeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
