namespace Impact60.Application.Configuration;

/// <summary>The names of every blob container, queue and table Impact60 uses (Bicep creates the same names).</summary>
public static class StorageNames
{
    public static class Containers
    {
        public const string RegisterInbox = "register-inbox";
        public const string Evidence = "evidence";
        public const string Quarantine = "quarantine";
        public const string Documents = "documents";
        public const string Deployments = "deployments";
    }

    public static class Queues
    {
        public const string Verify = "verify";
        public const string VerifyPoison = "verify-poison";
        public const string Notices = "notices";
        public const string NoticesPoison = "notices-poison";
        public const string Ingest = "ingest";
        public const string IngestPoison = "ingest-poison";
    }

    public static class Tables
    {
        public const string Referrals = "Referrals";
        public const string RegisterWeeks = "RegisterWeeks";
        public const string Deliveries = "Deliveries";
        public const string Cursors = "Cursors";
        public const string Entitlements = "Entitlements";
        public const string Ledger = "Ledger";
        public const string DocumentNumbers = "DocumentNumbers";
        public const string NoticesSent = "NoticesSent";
    }
}
