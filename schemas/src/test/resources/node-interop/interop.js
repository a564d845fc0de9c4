// Confluent's own Node.js schema-registry client on the other side of the Java serdes (driven by
// ConfluentNodeClientInteropTest). Bytes travel through files; the Java side moves them through Kafka.
//   node interop.js serialize   <registryUrl> <topic> <schema.avsc> <record.json> <out.bin>
//     registers the schema under <topic>-value with the Confluent client, serializes the record, prints {"id": N}
//   node interop.js deserialize <registryUrl> <topic> <in.bin>
//     prints the record the Confluent deserializer reads from the bytes, as JSON
//   node interop.js kafkajs-register <registryUrl> <subject> <schema.avsc>
//     registers the schema with kafkajs' client and its default options, prints {"id": N}
'use strict';
const fs = require('fs');
const { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');

function client(url) {
  return new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
}

// Avro longs may come back as BigInt; JSON has no BigInt.
function toJson(value) {
  return JSON.stringify(value, (key, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v));
}

async function serialize(url, topic, schemaFile, recordFile, outFile) {
  const registry = client(url);
  const schema = fs.readFileSync(schemaFile, 'utf8');
  const id = await registry.register(topic + '-value', { schemaType: 'AVRO', schema });
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, { autoRegisterSchemas: false, useSchemaId: id });
  const bytes = await serializer.serialize(topic, JSON.parse(fs.readFileSync(recordFile, 'utf8')));
  fs.writeFileSync(outFile, bytes);
  console.log(toJson({ id }));
}

async function deserialize(url, topic, inFile) {
  const deserializer = new AvroDeserializer(client(url), SerdeType.VALUE, {});
  const record = await deserializer.deserialize(topic, fs.readFileSync(inFile));
  console.log(toJson(record));
}

// The kafkajs stack's client checks the subject's compatibility level against its own default (BACKWARD).
async function kafkajsRegister(url, subject, schemaFile) {
  const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
  const registry = new SchemaRegistry({ host: url, retry: { retries: 0 } });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: fs.readFileSync(schemaFile, 'utf8') },
    { subject });
  console.log(toJson({ id }));
}

const [command, ...args] = process.argv.slice(2);
const commands = { serialize, deserialize, 'kafkajs-register': kafkajsRegister };
if (!commands[command]) {
  console.error('usage: interop.js serialize|deserialize ...');
  process.exit(2);
}
commands[command](...args).catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
