const message = 'loaded lazily';
export default message;
