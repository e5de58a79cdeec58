// Stable codes of the input records that go to the dead-letter topic (see BadInputError in ../errors.ts).

export const BAD_INPUT = {
  /** Avro value that is not in the Confluent wire format or does not decode with its writer schema. */
  badAvro: 'PADELLM_BAD_AVRO',
  /** Avro value naming a schema id the registry does not have. */
  unknownSchema: 'PADELLM_UNKNOWN_SCHEMA',
  badJson: 'PADELLM_BAD_JSON',
  badUtf8: 'PADELLM_BAD_UTF8',
  /** Null value, empty text or only whitespace. */
  emptyText: 'PADELLM_EMPTY_TEXT',
  /** Longer than --max-text-chars. */
  textOverCap: 'PADELLM_TEXT_OVER_CAP',
  /** An event without a string `text`, or with fields of the wrong type. */
  missingField: 'PADELLM_MISSING_FIELD',
} as const;
