/** The fields of a call to one of a workflow's handlers (signal, update, query): its name, and its arguments as a JSON array. */
export interface CallFieldsProps {
  nameLabel: string;
  name: string;
  onName: (name: string) => void;
  args: string;
  onArgs: (text: string) => void;
  argsPlaceholder: string;
}

export function CallFields({ nameLabel, name, onName, args, onArgs, argsPlaceholder }: CallFieldsProps) {
  return (
    <>
      <label>
        {nameLabel}
        <input required value={name} onInput={(e) => onName(e.currentTarget.value)} />
      </label>
      <label>
        Arguments (JSON array, one element per argument)
        <textarea value={args} placeholder={argsPlaceholder} onInput={(e) => onArgs(e.currentTarget.value)} />
      </label>
    </>
  );
}
