namespace CertBroker.Storage.Copy;

/// <summary>What <see cref="StoreCopy"/> did: one line per copied table and the tables it left alone, with why.</summary>
public sealed record StoreCopyResult(IReadOnlyList<TableCopyResult> Tables, IReadOnlyList<string> Notes)
{
    /// <summary>Whether every copied table has as many rows and the same checksum on both sides.</summary>
    public bool Matches => Tables.All(t => t.Matches);
}

/// <param name="Table">The table's name, the same on both sides.</param>
/// <param name="Copied">Rows this run inserted (or, for a table the migration seeds, brought up to the source's values).</param>
/// <param name="SourceRows">Rows in the SQLite table.</param>
/// <param name="TargetRows">Rows in the PostgreSQL table after the copy.</param>
/// <param name="SourceChecksum">See <see cref="TableChecksum"/>; hex.</param>
/// <param name="TargetChecksum">The same function over the PostgreSQL table.</param>
public sealed record TableCopyResult(string Table, long Copied, long SourceRows, long TargetRows, string SourceChecksum, string TargetChecksum)
{
    public bool Matches => SourceRows == TargetRows && string.Equals(SourceChecksum, TargetChecksum, StringComparison.Ordinal);
}
