namespace CertBroker.Core.Inventory;

/// <summary>A certificate's renewal state, due time and last renewal attempt.</summary>
public sealed record RenewalStatus(
    Model.RenewalState State, DateTimeOffset? DueAt, DateTimeOffset? LastAttemptAt, string? LastResult);
