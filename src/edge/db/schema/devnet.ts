// Tables of the devnet area; filled in by its owner.
export {};
